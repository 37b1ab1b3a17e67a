// The package's entry point: R calls R_init_toe when it loads the library, which registers
// the routines extendr generates (bindings/r/src/rust/src/lib.rs).
void R_init_toe_extendr(void *dll);

void R_init_toe(void *dll) {
    R_init_toe_extendr(dll);
}
