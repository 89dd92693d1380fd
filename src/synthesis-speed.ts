/**
 * cdktf records a full stack trace for every lazy token it creates, and with tsx's source maps on,
 * Node maps each of those frames back to TypeScript: about 0.25 s of a 1.5 s whole-app synthesis.
 * Synthesis errors then show positions in tsx's output, whose names and line structure match the
 * sources closely enough; tests and type-checking are unaffected.
 */
process.setSourceMapsEnabled(false);
