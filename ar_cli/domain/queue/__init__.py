"""The work queue's rules: priority scores with their reasons, and the weights as settings.

- `score`: Work-queue priority: which item to touch next, and a short reason why. Pure rules.
- `weights`: The queue's weights as ledger settings: `name=number` lists, checked and read here.
"""
