"""The hook boundary at run time: the hook client, the decision service's socket and HTTP
endpoint, and how the service is started."""
