// ServiceSupport module (placeholder until implemented).
