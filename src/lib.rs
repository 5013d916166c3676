#![doc = include_str!("../README.md")]

pub mod api;
pub mod asl;
pub mod cli;
pub mod data;
pub mod interpret;
pub mod objects;
pub mod runtime;
pub mod store;
