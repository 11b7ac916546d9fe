// DeclarativeManagement: DDM declarations built from a Mac's plan (being built).
public enum DeclarativeManagementModule {}
