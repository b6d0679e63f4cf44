// Public API of @videoloom/data. Nothing is exported yet: see README.md for what this package will own.
export {};
