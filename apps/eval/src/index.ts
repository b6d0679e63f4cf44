// Public API of @videoloom/eval. Nothing is exported yet: see README.md for what this package will own.
export {};
