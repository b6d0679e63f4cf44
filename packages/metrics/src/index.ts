// Public API of @videoloom/metrics. Nothing is exported yet: see README.md for what this package will own.
export {};
