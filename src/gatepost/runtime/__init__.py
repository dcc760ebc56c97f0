"""The hook boundary at run time: the hook client, the decision service's socket and HTTP
endpoint, how the service is started, and the evidence journal and its writer."""
