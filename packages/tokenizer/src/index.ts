// Public API of @videoloom/tokenizer. Nothing is exported yet: see README.md for what this package will own.
export {};
