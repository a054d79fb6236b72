"""The learner's portfolio: evidence, competences, diplomas and consented sharing (issue 9)."""
