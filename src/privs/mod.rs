//! Identity changes (owner: auth helper).
