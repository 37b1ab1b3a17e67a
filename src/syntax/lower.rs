//! Stage 2, lowering: pest pairs → the typed AST of `ast.rs`, one `lower_<rule>` per rule.
//!
//! Guarantees: every AST node has its span; malformed literals (a number out of range, a
//! bad escape) become diagnostics, never panics; R's `<-` and `c(…)` are reported here with
//! their translation.

use super::ast::*;
use super::parser::Rule;
use crate::diagnostics::{codes, Diag};
use crate::source::Span;
use pest::iterators::Pair;

pub struct Lowerer {
    pub source: u32,
    pub diags: Vec<Diag>,
}

type P<'a> = Pair<'a, Rule>;

impl Lowerer {
    pub fn new(source: u32) -> Self {
        Lowerer {
            source,
            diags: Vec::new(),
        }
    }

    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        Span::new(self.source, s.start(), s.end())
    }

    fn ident(&self, p: P) -> Ident {
        Spanned::new(p.as_str().to_string(), self.span(&p))
    }

    pub fn lower_program(&mut self, p: P) -> Program {
        let mut statements = Vec::new();
        for s in p.into_inner() {
            if s.as_rule() == Rule::EOI {
                continue;
            }
            if let Some(stmt) = self.lower_statement(s) {
                statements.push(stmt);
            }
        }
        Program { statements }
    }

    fn lower_statement(&mut self, p: P) -> Option<Stmt> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        let kind = match rule {
            Rule::study_stmt => StmtKind::Study(self.lower_string(inner.next()?)),
            Rule::data_stmt => {
                let name = self.ident(inner.next()?);
                self.lower_assign(inner.next()?);
                StmtKind::Data {
                    name,
                    source: self.lower_call(inner.next()?),
                }
            }
            Rule::index_stmt => {
                let name = self.ident(inner.next()?);
                self.lower_assign(inner.next()?);
                StmtKind::Index {
                    name,
                    call: self.lower_call(inner.next()?),
                }
            }
            Rule::conditions_stmt => self.lower_conditions(inner),
            Rule::outcome_stmt => StmtKind::Outcome(self.lower_set_def(inner.next()?)),
            Rule::calibrate_stmt => {
                StmtKind::Calibrate(inner.map(|i| self.lower_calib_item(i)).collect())
            }
            Rule::nca_stmt | Rule::fsqca_stmt => {
                let name = self.ident(inner.next()?);
                let out = inner.next()?;
                let (negated, outcome) = if out.as_rule() == Rule::outcome_ref {
                    let mut o = out.into_inner();
                    let first = o.next()?;
                    if first.as_rule() == Rule::negation {
                        (true, self.ident(o.next()?))
                    } else {
                        (false, self.ident(first))
                    }
                } else {
                    (false, self.ident(out))
                };
                let conditions = inner.next()?.into_inner().map(|n| self.ident(n)).collect();
                let options = match inner.next() {
                    Some(o) => o.into_inner().map(|o| self.lower_option(o)).collect(),
                    None => Vec::new(),
                };
                let a = Analysis {
                    name,
                    outcome,
                    negated,
                    conditions,
                    options,
                };
                if rule == Rule::nca_stmt {
                    StmtKind::Nca(a)
                } else {
                    StmtKind::Fsqca(a)
                }
            }
            Rule::theory_q => {
                let theory = self.lower_set_expr(inner.next()?);
                let of = self.ident(inner.next()?);
                StmtKind::Theory { theory, of }
            }
            Rule::necessary_search => {
                let mut conditions = Vec::new();
                let mut outcome = None;
                let mut options = Vec::new();
                for p in inner {
                    match p.as_rule() {
                        Rule::name_list => {
                            conditions = p.into_inner().map(|n| self.ident(n)).collect()
                        }
                        Rule::set_expr => outcome = Some(self.lower_set_expr(p)),
                        Rule::options => {
                            options = p.into_inner().map(|o| self.lower_option(o)).collect()
                        }
                        _ => {}
                    }
                }
                StmtKind::NecessitySearch {
                    conditions,
                    outcome: outcome?,
                    options,
                }
            }
            Rule::necessary_q | Rule::sufficient_q => {
                let expr = self.lower_set_expr(inner.next()?);
                let outcome = self.lower_set_expr(inner.next()?);
                let options = match inner.next() {
                    Some(o) => o.into_inner().map(|o| self.lower_option(o)).collect(),
                    None => Vec::new(),
                };
                if rule == Rule::necessary_q {
                    StmtKind::Necessary {
                        expr,
                        outcome,
                        options,
                    }
                } else {
                    StmtKind::Sufficient {
                        expr,
                        outcome,
                        options,
                    }
                }
            }
            Rule::show_stmt => {
                let what = self.ident(inner.next()?);
                let of = inner.next().map(|p| self.ident(p));
                let extra = inner.next().map(|p| self.ident(p));
                StmtKind::Show { what, of, extra }
            }
            Rule::export_stmt => StmtKind::Export {
                name: self.ident(inner.next()?),
                path: self.lower_string(inner.next()?),
            },
            Rule::use_stmt => {
                let t = inner.next()?;
                if t.as_rule() == Rule::string {
                    StmtKind::Use(UseTarget::File(self.lower_string(t)))
                } else {
                    StmtKind::Use(UseTarget::Module(self.ident(t)))
                }
            }
            Rule::robustness_stmt => {
                let of = self.ident(inner.next()?);
                StmtKind::Robustness {
                    of,
                    items: inner
                        .map(|v| {
                            if v.as_rule() == Rule::sweep_ref {
                                let n = v.into_inner().next().map(|n| self.ident(n));
                                RobustItem::Sweep(
                                    n.unwrap_or_else(|| Spanned::new(String::new(), span)),
                                )
                            } else {
                                RobustItem::Vary(self.lower_vary(v))
                            }
                        })
                        .collect(),
                }
            }
            Rule::power_stmt => {
                let name = self.ident(inner.next()?);
                let options = match inner.next() {
                    Some(o) => o.into_inner().map(|o| self.lower_option(o)).collect(),
                    None => Vec::new(),
                };
                StmtKind::Power { name, options }
            }
            Rule::sensitivity_stmt => {
                let of = self.ident(inner.next()?);
                let options = match inner.next() {
                    Some(o) => o.into_inner().map(|o| self.lower_option(o)).collect(),
                    None => Vec::new(),
                };
                StmtKind::Sensitivity { of, options }
            }
            Rule::nest_stmt => {
                let fsqca = self.ident(inner.next()?);
                let nca = self.ident(inner.next()?);
                let options = match inner.next() {
                    Some(o) => o.into_inner().map(|o| self.lower_option(o)).collect(),
                    None => Vec::new(),
                };
                StmtKind::Nest {
                    fsqca,
                    nca,
                    options,
                }
            }
            Rule::resample_stmt => {
                let of = self.ident(inner.next()?);
                let options = match inner.next() {
                    Some(o) => o.into_inner().map(|o| self.lower_option(o)).collect(),
                    None => Vec::new(),
                };
                StmtKind::Resample { of, options }
            }
            Rule::sweep_stmt => {
                let name = self.ident(inner.next()?);
                StmtKind::Sweep {
                    name,
                    varies: inner.map(|v| self.lower_vary(v)).collect(),
                }
            }
            Rule::preset_stmt => {
                let name = self.ident(inner.next()?);
                self.lower_assign(inner.next()?);
                StmtKind::Preset {
                    name,
                    call: self.lower_call(inner.next()?),
                }
            }
            Rule::framework_stmt => {
                let name = self.ident(inner.next()?);
                StmtKind::Framework {
                    name,
                    dimensions: inner.map(|d| self.ident(d)).collect(),
                }
            }
            _ => return None,
        };
        Some(Stmt { kind, span })
    }

    fn lower_assign(&mut self, p: P) {
        if p.as_str() == "<-" {
            let span = self.span(&p);
            self.diags.push(
                Diag::error(codes::R_ASSIGNMENT, "expected `=`, found R's `<-`")
                    .at(span, "write `=` here")
                    .help("toe writes `=` where R writes `<-`"),
            );
        }
    }

    fn lower_string(&mut self, p: P) -> Spanned<String> {
        let span = self.span(&p);
        let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        let mut out = String::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    other => {
                        let found = other.map(|c| format!("`\\{c}`")).unwrap_or("`\\`".into());
                        self.diags.push(
                            Diag::error(
                                codes::BAD_STRING,
                                format!("expected the escape `\\\"` or `\\\\`, found {found}"),
                            )
                            .at(span, "in this string")
                            .help("write a backslash as `\\\\`; paths may use `/` on every system"),
                        );
                    }
                }
            } else {
                out.push(c);
            }
        }
        Spanned::new(out, span)
    }

    fn lower_number(&mut self, p: &P) -> f64 {
        let span = self.span(p);
        match p.as_str().parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                self.diags.push(
                    Diag::error(
                        codes::BAD_NUMBER,
                        format!("expected a finite number, found `{}`", p.as_str()),
                    )
                    .at(span, "this number is out of range")
                    .help("numbers must lie within ±1.8e308"),
                );
                0.0
            }
        }
    }

    fn lower_call(&mut self, p: P) -> Call {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = inner
            .next()
            .map(|n| self.ident(n))
            .unwrap_or_else(|| Spanned::new(String::new(), span));
        let args = inner.map(|a| self.lower_arg(a)).collect();
        let call = Call { name, args, span };
        if call.name.node == "c" {
            self.diags.push(
                Diag::error(codes::R_VECTOR, "expected a list `[…]`, found R's `c(…)`")
                    .at(span, "write this as a list")
                    .help("toe writes lists in brackets: `[a, b]` where R writes `c(a, b)`"),
            );
        }
        call
    }

    fn lower_arg(&mut self, p: P) -> Arg {
        let span = self.span(&p);
        let mut inner: Vec<P> = p.into_inner().collect();
        if inner.len() == 3 {
            let value = inner.pop().map(|v| self.lower_value(v));
            let assign = inner.pop();
            if let Some(a) = assign {
                self.lower_assign(a);
            }
            let name = inner.pop().map(|n| self.ident(n));
            Arg {
                name,
                value: value.unwrap_or(Value {
                    kind: ValueKind::Star,
                    span,
                }),
                span,
            }
        } else {
            let value = inner.pop().map(|v| self.lower_value(v)).unwrap_or(Value {
                kind: ValueKind::Star,
                span,
            });
            Arg {
                name: None,
                value,
                span,
            }
        }
    }

    fn lower_value(&mut self, p: P) -> Value {
        let span = self.span(&p);
        let p = if p.as_rule() == Rule::value {
            match p.into_inner().next() {
                Some(i) => i,
                None => {
                    return Value {
                        kind: ValueKind::Star,
                        span,
                    }
                }
            }
        } else {
            p
        };
        let kind = match p.as_rule() {
            Rule::number => ValueKind::Number(self.lower_number(&p)),
            Rule::percentile => {
                let text = &p.as_str()[1..];
                ValueKind::Percentile(text.parse().unwrap_or(f64::NAN))
            }
            Rule::string => ValueKind::Str(self.lower_string(p).node),
            Rule::neg_name => ValueKind::NegIdent(
                p.into_inner()
                    .next()
                    .map(|i| i.as_str().to_string())
                    .unwrap_or_default(),
            ),
            Rule::star => ValueKind::Star,
            Rule::list => ValueKind::List(p.into_inner().map(|v| self.lower_value(v)).collect()),
            Rule::call => ValueKind::Call(self.lower_call(p)),
            _ => ValueKind::Ident(p.as_str().to_string()),
        };
        Value { kind, span }
    }

    fn lower_set_def(&mut self, p: P) -> SetDef {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = inner
            .next()
            .map(|n| self.ident(n))
            .unwrap_or_else(|| Spanned::new(String::new(), span));
        if let Some(a) = inner.next() {
            self.lower_assign(a);
        }
        let column = match inner.next() {
            Some(c) => {
                let cspan = self.span(&c);
                match c.into_inner().next() {
                    Some(i) if i.as_rule() == Rule::string => self.lower_string(i),
                    Some(i) => self.ident(i),
                    None => Spanned::new(String::new(), cspan),
                }
            }
            None => Spanned::new(String::new(), span),
        };
        let label = inner.next().map(|l| self.lower_string(l));
        SetDef {
            name,
            column,
            label,
            span,
        }
    }

    fn lower_conditions(&mut self, inner: pest::iterators::Pairs<Rule>) -> StmtKind {
        let mut framework = None;
        let mut items = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::framework => {
                    framework = p.into_inner().next().map(|i| self.ident(i));
                }
                Rule::set_def => items.push(ConditionItem {
                    dimension: None,
                    def: self.lower_set_def(p),
                }),
                Rule::dimension => {
                    let mut d = p.into_inner();
                    let dim = d.next().map(|n| self.ident(n));
                    for def in d {
                        items.push(ConditionItem {
                            dimension: dim.clone(),
                            def: self.lower_set_def(def),
                        });
                    }
                }
                _ => {}
            }
        }
        StmtKind::Conditions { framework, items }
    }

    fn lower_calib_item(&mut self, p: P) -> CalibItem {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let targets = inner
            .next()
            .map(|t| {
                t.into_inner()
                    .map(|t| {
                        if t.as_rule() == Rule::star {
                            Target::Star(self.span(&t))
                        } else {
                            Target::Name(self.ident(t))
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (method, bare) = match inner.next().and_then(|m| m.into_inner().next()) {
            Some(m) if m.as_rule() == Rule::call => (self.lower_call(m), false),
            Some(m) => {
                let s = self.span(&m);
                (
                    Call {
                        name: self.ident(m),
                        args: Vec::new(),
                        span: s,
                    },
                    true,
                )
            }
            None => (
                Call {
                    name: Spanned::new(String::new(), span),
                    args: Vec::new(),
                    span,
                },
                true,
            ),
        };
        CalibItem {
            targets,
            method,
            bare,
            span,
        }
    }

    fn lower_op(&self, p: P) -> Spanned<CmpOp> {
        let op = match p.as_str() {
            ">=" => CmpOp::Ge,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            "<" => CmpOp::Lt,
            "<-" => CmpOp::RAssign,
            _ => CmpOp::Eq,
        };
        Spanned::new(op, self.span(&p))
    }

    fn lower_option(&mut self, p: P) -> Opt {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        let kind = match rule {
            Rule::necessary_rule => OptKind::Rule(
                inner
                    .map(|c| {
                        let mut c = c.into_inner();
                        let key = c
                            .next()
                            .map(|k| self.ident(k))
                            .unwrap_or_else(|| Spanned::new(String::new(), span));
                        let op = c
                            .next()
                            .map(|o| self.lower_op(o))
                            .unwrap_or(Spanned::new(CmpOp::Eq, span));
                        let value = c
                            .next()
                            .map(|v| Spanned::new(self.lower_number(&v), self.span(&v)))
                            .unwrap_or(Spanned::new(0.0, span));
                        RuleCond { key, op, value }
                    })
                    .collect(),
            ),
            Rule::exclude_opt => match inner.next() {
                Some(e) if e.as_rule() == Rule::exclude_contradictory => {
                    OptKind::Exclude(Exclude::Contradictory)
                }
                Some(e) if e.as_rule() == Rule::exclude_lacking => {
                    match e
                        .into_inner()
                        .find(|x| matches!(x.as_rule(), Rule::set_expr | Rule::nca_necessary))
                    {
                        Some(x) if x.as_rule() == Rule::nca_necessary => {
                            match x.into_inner().next() {
                                Some(n) => OptKind::Exclude(Exclude::LackingNca(self.ident(n))),
                                None => OptKind::Exclude(Exclude::Contradictory),
                            }
                        }
                        Some(x) => OptKind::Exclude(Exclude::Lacking(self.lower_set_expr(x))),
                        None => OptKind::Exclude(Exclude::Contradictory),
                    }
                }
                Some(e) => OptKind::Exclude(Exclude::Untenable(self.lower_set_expr(e))),
                None => OptKind::Exclude(Exclude::Contradictory),
            },
            Rule::expect_opt => OptKind::Expect(
                inner
                    .map(|e| {
                        let espan = self.span(&e);
                        Expectation {
                            literals: e.into_inner().map(|l| self.lower_literal(l)).collect(),
                            span: espan,
                        }
                    })
                    .collect(),
            ),
            _ => {
                let key = inner
                    .next()
                    .map(|k| self.ident(k))
                    .unwrap_or_else(|| Spanned::new(String::new(), span));
                let op = inner
                    .next()
                    .map(|o| self.lower_op(o))
                    .unwrap_or(Spanned::new(CmpOp::Eq, span));
                let values = inner.map(|v| self.lower_value(v)).collect();
                OptKind::Set { key, op, values }
            }
        };
        Opt { kind, span }
    }

    fn lower_literal(&mut self, p: P) -> Literal {
        let span = self.span(&p);
        let mut negated = false;
        let mut name = Spanned::new(String::new(), span);
        for i in p.into_inner() {
            if i.as_rule() == Rule::negation {
                negated = true;
            } else {
                name = self.ident(i);
            }
        }
        Literal { negated, name }
    }

    fn lower_vary(&mut self, p: P) -> Vary {
        let span = self.span(&p);
        let mut keys: Vec<(Ident, Option<Target>)> = Vec::new();
        let mut by = false;
        let mut values = Vec::new();
        let mut points = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::vary_key => {
                    let mut key = Spanned::new(String::new(), span);
                    let mut of = None;
                    for k in c.into_inner() {
                        match k.as_rule() {
                            Rule::ident => key = self.ident(k),
                            Rule::star => of = Some(Target::Star(self.span(&k))),
                            Rule::name => of = Some(Target::Name(self.ident(k))),
                            _ => {}
                        }
                    }
                    keys.push((key, of));
                }
                Rule::vary_by => by = true,
                Rule::vary_in => by = false,
                Rule::list => values = c.into_inner().map(|v| self.lower_value(v)).collect(),
                Rule::points => points = true,
                _ => {}
            }
        }
        let mut keys = keys.into_iter();
        let (key, of) = keys
            .next()
            .unwrap_or_else(|| (Spanned::new(String::new(), span), None));
        Vary {
            key,
            of,
            also: keys.collect(),
            by,
            values,
            points,
            span,
        }
    }

    /// Set expressions: the grammar encodes the precedence (`+` < `*` < `~`).
    pub fn lower_set_expr(&mut self, p: P) -> SetExpr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::set_expr | Rule::conj => {
                let is_or = p.as_rule() == Rule::set_expr;
                let mut parts: Vec<SetExpr> =
                    p.into_inner().map(|c| self.lower_set_expr(c)).collect();
                if parts.len() == 1 {
                    return parts.pop().unwrap_or(SetExpr {
                        kind: SetExprKind::Set(String::new()),
                        span,
                    });
                }
                let kind = if is_or {
                    SetExprKind::Or(parts)
                } else {
                    SetExprKind::And(parts)
                };
                SetExpr { kind, span }
            }
            Rule::factor => {
                let mut nots = 0;
                let mut atom = None;
                for c in p.into_inner() {
                    if c.as_rule() == Rule::negation {
                        nots += 1;
                    } else {
                        atom = Some(self.lower_set_expr(c));
                    }
                }
                let mut e = atom.unwrap_or(SetExpr {
                    kind: SetExprKind::Set(String::new()),
                    span,
                });
                // `~~A` is `A`: only the parity of the negations matters, so that a long run of
                // `~` cannot build a deep tree.
                for _ in 0..(nots % 2) {
                    e = SetExpr {
                        kind: SetExprKind::Not(Box::new(e)),
                        span,
                    };
                }
                e
            }
            Rule::atom => match p.into_inner().next() {
                Some(c) => self.lower_set_expr(c),
                None => SetExpr {
                    kind: SetExprKind::Set(String::new()),
                    span,
                },
            },
            Rule::level_ref => {
                let mut i = p.into_inner();
                let name = i.next().map(|n| n.as_str().to_string()).unwrap_or_default();
                let level = i.next().map(|n| self.lower_number(&n)).unwrap_or(0.0);
                SetExpr {
                    kind: SetExprKind::Level(name, level),
                    span,
                }
            }
            _ => SetExpr {
                kind: SetExprKind::Set(p.as_str().to_string()),
                span,
            },
        }
    }
}
