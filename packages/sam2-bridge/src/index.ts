// Public API of @videoloom/sam2-bridge. Nothing is exported yet: see README.md for what this package will own.
export {};
