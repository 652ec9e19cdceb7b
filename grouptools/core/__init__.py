"""What every widget stands on: people, groups, identity, access, errors, time."""
