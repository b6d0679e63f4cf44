// Public API of @videoloom/llm-core. Nothing is exported yet: see README.md for what this package will own.
export {};
