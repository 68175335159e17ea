//! The logging core (owner: master helper).
