"""The differential test of posting (issue #16): the same inputs posted by the code under
test must leave the same ledger facts as the release the goldens were captured from."""
