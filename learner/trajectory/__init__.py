"""The inburgeringscontract: facts, dated rule sets, pillars, deadlines, fees, signals, attest."""
