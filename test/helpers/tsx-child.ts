// Environment for a child process that runs this repository's sources under tsx
// (`npm start`'s server, a fixture forked with `--import tsx`). tsx compiles
// lib/ differently from the loader tap runs the tests with, and V8 coverage of
// two compilations of one file cannot be merged into one report: such a child
// records no coverage, so that the suite's figures stay true.
export const TSX_CHILD_ENV = Object.freeze({ _TAPJS_PROCESSINFO_COVERAGE_: '0' })
