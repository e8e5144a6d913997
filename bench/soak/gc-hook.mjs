// Preloaded into the soak's gateway (started with --expose-gc): SIGUSR2 runs a full GC, so the soak can read the
// resident set after garbage is collected rather than whenever V8 next gets to it. Used by bench/soak only.
process.on('SIGUSR2', () => globalThis.gc?.());
