"""The delivery service's rules: statuses, checklists, non-conformances, hand-over, the customer's
decision and the documents' bytes. Plain values in, decisions out; import each from its module."""
