"""Reading blocks straight from a node's JSON-RPC endpoint (`substrate-loader fetch --node`).

rpc: the JSON-RPC client (ws/wss/http/https, reconnects); runtime: one runtime version's decoders;
render: decoded values in Sidecar's JSON shape; block: one block to a canonical line; reader: the
pipeline (requests in flight, decoding in worker processes); fetch: the command and its driver.
"""
