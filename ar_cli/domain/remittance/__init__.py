"""A payer's remittance advice as plain values, and a claim payment as JSON and back.

- `advice`: What a payer's remittance advice says, as plain values: the payment, each claim it
  pays, each service line and adjustment, and the provider-level adjustments.
- `payload`: A claim payment as plain JSON values, and back.
"""
