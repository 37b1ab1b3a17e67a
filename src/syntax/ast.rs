//! Stage 2, the typed AST: what `lower` builds from pest pairs.
//!
//! Guarantees: every node carries the [`Span`] of its text; nothing here refers to pest, and
//! nothing after this stage sees pest pairs. Names are not resolved yet (that is `check`).

use crate::source::Span;

/// A value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// A name in the script.
pub type Ident = Spanned<String>;

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    pub statements: Vec<Stmt>,
}

/// One statement and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Study(Spanned<String>),
    Data {
        name: Ident,
        source: Call,
    },
    Index {
        name: Ident,
        call: Call,
    },
    Conditions {
        framework: Option<Ident>,
        items: Vec<ConditionItem>,
    },
    Outcome(SetDef),
    Calibrate(Vec<CalibItem>),
    Nca(Analysis),
    Fsqca(Analysis),
    /// `necessary? X for Y`, with panel options (`{ cluster = year  unit = country }`).
    Necessary {
        expr: SetExpr,
        outcome: SetExpr,
        options: Vec<Opt>,
    },
    Sufficient {
        expr: SetExpr,
        outcome: SetExpr,
        options: Vec<Opt>,
    },
    /// `theory? EXPR for ANALYSIS`.
    Theory {
        theory: SetExpr,
        of: Ident,
    },
    /// `necessary? * [of A, B] for Y { … }`: the search over conjunctions and disjunctions.
    NecessitySearch {
        conditions: Vec<Ident>,
        outcome: SetExpr,
        options: Vec<Opt>,
    },
    Show {
        what: Ident,
        of: Option<Ident>,
        extra: Option<Ident>,
    },
    Export {
        name: Ident,
        path: Spanned<String>,
    },
    Use(UseTarget),
    Robustness {
        of: Ident,
        items: Vec<RobustItem>,
    },
    Sweep {
        name: Ident,
        varies: Vec<Vary>,
    },
    /// `power NAME { options }`.
    Power {
        name: Ident,
        options: Vec<Opt>,
    },
    /// `sensitivity NAME { options }`: the ranges of settings that keep the solution.
    Sensitivity {
        of: Ident,
        options: Vec<Opt>,
    },
    /// `nest FSQCA with NCA { options }`: the NCA-extended configuration table.
    Nest {
        fsqca: Ident,
        nca: Ident,
        options: Vec<Opt>,
    },
    /// `resample NAME { options }`: an fsqca analysis on subsets of its cases.
    Resample {
        of: Ident,
        options: Vec<Opt>,
    },
    Framework {
        name: Ident,
        dimensions: Vec<Ident>,
    },
    Preset {
        name: Ident,
        call: Call,
    },
}

impl StmtKind {
    /// The statement's keyword, as the user writes it.
    pub fn keyword(&self) -> &'static str {
        match self {
            StmtKind::Study(_) => "study",
            StmtKind::Data { .. } => "data",
            StmtKind::Index { .. } => "index",
            StmtKind::Conditions { .. } => "conditions",
            StmtKind::Outcome(_) => "outcome",
            StmtKind::Calibrate(_) => "calibrate",
            StmtKind::Nca(_) => "nca",
            StmtKind::Fsqca(_) => "fsqca",
            StmtKind::Necessary { .. } => "necessary?",
            StmtKind::NecessitySearch { .. } => "necessary? *",
            StmtKind::Theory { .. } => "theory?",
            StmtKind::Sufficient { .. } => "sufficient?",
            StmtKind::Show { .. } => "show",
            StmtKind::Export { .. } => "export",
            StmtKind::Use(_) => "use",
            StmtKind::Robustness { .. } => "robustness",
            StmtKind::Framework { .. } => "framework",
            StmtKind::Preset { .. } => "calibration",
            StmtKind::Sweep { .. } => "sweep",
            StmtKind::Power { .. } => "power",
            StmtKind::Resample { .. } => "resample",
            StmtKind::Nest { .. } => "nest",
            StmtKind::Sensitivity { .. } => "sensitivity",
        }
    }
}

/// A condition with the dimension block it was declared in.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionItem {
    pub dimension: Option<Ident>,
    pub def: SetDef,
}

/// `NAME = column "label"`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetDef {
    pub name: Ident,
    pub column: Ident,
    pub label: Option<Spanned<String>>,
    pub span: Span,
}

/// A call: `csv("file", id = x)`, `direct(e = p25, …)`, `steps(10)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Arg>,
    pub span: Span,
}

/// An argument, named or positional.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Value,
    pub span: Span,
}

/// A value and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Number(f64),
    /// `p25` → 25.0
    Percentile(f64),
    Str(String),
    Ident(String),
    /// `-name` (a negative indicator)
    NegIdent(String),
    Star,
    List(Vec<Value>),
    Call(Call),
}

impl ValueKind {
    /// How the value is described in "found …" messages.
    pub fn describe(&self) -> String {
        match self {
            ValueKind::Number(n) => format!("the number {n}"),
            ValueKind::Percentile(p) => format!("the percentile p{p}"),
            ValueKind::Str(s) => format!("the string \"{s}\""),
            ValueKind::Ident(s) => format!("the name `{s}`"),
            ValueKind::NegIdent(s) => format!("`-{s}`"),
            ValueKind::Star => "`*`".into(),
            ValueKind::List(_) => "a list".into(),
            ValueKind::Call(c) => format!("a call of `{}`", c.name.node),
        }
    }
}

/// A calibration line: targets and method.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibItem {
    pub targets: Vec<Target>,
    pub method: Call,
    /// True when the method was written without parentheses (`fuzzy`).
    pub bare: bool,
    pub span: Span,
}

/// `*` or a set name.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Star(Span),
    Name(Ident),
}

impl Target {
    pub fn span(&self) -> Span {
        match self {
            Target::Star(s) => *s,
            Target::Name(n) => n.span,
        }
    }
}

/// `nca NAME: OUTCOME needs …` or `fsqca NAME: OUTCOME given …`.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub name: Ident,
    pub outcome: Ident,
    pub negated: bool,
    pub conditions: Vec<Ident>,
    pub options: Vec<Opt>,
}

/// One option of an analysis block.
#[derive(Debug, Clone, PartialEq)]
pub struct Opt {
    pub kind: OptKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OptKind {
    /// `key op value, value`
    Set {
        key: Ident,
        op: Spanned<CmpOp>,
        values: Vec<Value>,
    },
    /// `necessary when d >= 0.1 and p <= 0.05`
    Rule(Vec<RuleCond>),
    /// `expect A, ~B, C | ~C`
    Expect(Vec<Expectation>),
    /// `exclude EXPR`, `exclude lacking EXPR`, `exclude contradictory`
    Exclude(Exclude),
}

/// What an `exclude` line of an fsqca block excludes from the simplifying assumptions.
#[derive(Debug, Clone, PartialEq)]
pub enum Exclude {
    /// Remainders satisfying the expression (untenable assumptions).
    Untenable(SetExpr),
    /// Remainders lacking the expression claimed necessary.
    Lacking(SetExpr),
    /// Remainders lacking a condition the named nca analysis found necessary.
    LackingNca(Ident),
    /// The contradictory simplifying assumptions.
    Contradictory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
    /// R's `<-`
    RAssign,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Lt => "<",
            CmpOp::Eq => "=",
            CmpOp::RAssign => "<-",
        }
    }
}

/// `d >= 0.1`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleCond {
    pub key: Ident,
    pub op: Spanned<CmpOp>,
    pub value: Spanned<f64>,
}

/// `A`, `~A`, or `A | ~A`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub literals: Vec<Literal>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub negated: bool,
    pub name: Ident,
}

/// `use "file.toe"` or `use std.NAME`.
#[derive(Debug, Clone, PartialEq)]
pub enum UseTarget {
    File(Spanned<String>),
    Module(Ident),
}

/// A line of a robustness block.
#[derive(Debug, Clone, PartialEq)]
pub enum RobustItem {
    Vary(Vary),
    /// The name of a sweep: its `vary` lines.
    Sweep(Ident),
}

/// `vary KEY [of TARGET] in|by [ … ] [percentile points]`; with more keys (`vary KEY, KEY in
/// [[…, …], …]`) each value is a list holding one value per key, changed together.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: Ident,
    pub of: Option<Target>,
    /// The further keys of a line that changes several settings at once, in order.
    pub also: Vec<(Ident, Option<Target>)>,
    pub by: bool,
    pub values: Vec<Value>,
    pub points: bool,
    pub span: Span,
}

/// A set expression.
#[derive(Debug, Clone, PartialEq)]
pub struct SetExpr {
    pub kind: SetExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetExprKind {
    Set(String),
    /// `X[1]`
    Level(String, f64),
    Not(Box<SetExpr>),
    And(Vec<SetExpr>),
    Or(Vec<SetExpr>),
}

impl SetExpr {
    /// The expression in the notation of the QCA literature (`~A*B + C`).
    pub fn to_text(&self) -> String {
        match &self.kind {
            SetExprKind::Set(s) => s.clone(),
            SetExprKind::Level(s, v) => format!("{s}[{v}]"),
            SetExprKind::Not(e) => match e.kind {
                SetExprKind::Set(_) | SetExprKind::Level(..) | SetExprKind::Not(_) => {
                    format!("~{}", e.to_text())
                }
                _ => format!("~({})", e.to_text()),
            },
            SetExprKind::And(v) => v
                .iter()
                .map(|e| match e.kind {
                    SetExprKind::Or(_) => format!("({})", e.to_text()),
                    _ => e.to_text(),
                })
                .collect::<Vec<_>>()
                .join("*"),
            SetExprKind::Or(v) => v
                .iter()
                .map(|e| e.to_text())
                .collect::<Vec<_>>()
                .join(" + "),
        }
    }
}
