// Public API of @videoloom/train. Nothing is exported yet: see README.md for what this package will own.
export {};
