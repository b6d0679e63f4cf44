// Public API of @videoloom/serve. Nothing is exported yet: see README.md for what this package will own.
export {};
