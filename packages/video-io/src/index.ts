// Public API of @videoloom/video-io. Nothing is exported yet: see README.md for what this package will own.
export {};
