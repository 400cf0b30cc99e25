"""The defaults of `claimtrail train`, apart from the training code so that the CLI starts without it."""

MIN_SENTENCES = 200  # below this a model is worse than the rules it sits beside (probe)
EPOCHS = 10
SEED = 0
MARGIN = 0.02  # F1 the model must gain over the rules to be trusted for a label
MIN_SUPPORT = 5  # held-out gold spans a label needs before its F1 means anything
