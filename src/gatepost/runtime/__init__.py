"""The hook boundary at run time, one package:

- ``boundary``: one native payload in, one native reply out, failures in the fail mode
- ``client``: the hook's side of the decision service, one authenticated round trip
- ``auth``: the per-home secret, request nonces, reply HMACs, the peer's uid
- ``service``: ``gatepost daemon``, the resident decision service on a Unix socket
- ``pool``: the bounded worker pool and deadline reaper of the service's servers
- ``activation``: the listening socket, inherited from the service manager or bound here
- ``http``: the service's loopback HTTP endpoint for ``http`` hooks
- ``fallback``: deciding and recording in the hook's own process when no service answers
- ``payload``: reading a payload so that no value in it can stop its evidence
- ``keep``: one decision redacted into an event and appended to the journal
- ``quarantine``: what cannot be made into an event, kept aside as a blob
- ``journal``: the append-only evidence journal written before each reply
- ``writer``: moving the journal to the store, exactly once
- ``checkpoints``: the writer's signed checkpoints, the latest kept outside the store
"""
