"""The hook boundary at run time: the evidence journal and its writer."""
