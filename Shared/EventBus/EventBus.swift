// EventBus module (placeholder until implemented).
