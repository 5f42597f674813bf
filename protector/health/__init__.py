"""Protection health: the continuous watch of RPO and failover readiness."""
