// Public API of @videoloom/slowfast. Nothing is exported yet: see README.md for what this package will own.
export {};
