"""`audit verify` and `audit anchor`: is the ledger what its chain and entries say it is?

- `anchor`: Anchors: the chain's head kept outside the ledger, and checked against it later.
- `posting_integrity`: What `audit verify` checks of ERA posting besides the chain and the
  balances (issue 13): the open denials of a coverage never hold more than it still owes, and
  the remittances posted with --force, listed for a person.
- `rows_check`: `audit verify`, the money rows: each event's manifest rebuilt from the rows
  stored.
- `table_walk`: One money table rebuilt into its events' manifests: hashes recomputed in each
  row's encoding, changed rows against their latest state, posting dates against closed months.
- `verify`: `ar-cli audit verify`: is the ledger what its audit chain and its entries say it is?
"""
