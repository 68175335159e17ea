//! The standalone master (owner: master helper).
