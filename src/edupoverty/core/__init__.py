"""The pure core: models, normalisation, linking, policy and the rule engine.

Nothing here touches files, terminals or the clock.
"""
