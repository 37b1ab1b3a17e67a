//! `arrow` as toe builds it (the root Cargo.toml patches crates.io's `arrow` with this): the
//! modules of Apache Arrow's umbrella crate that ambers and toe use, each re-exporting the
//! same items from the same arrow-* crates at the same paths, and nothing that needs the
//! compute kernels. Those kernels took a third of a release build's compile time (measured
//! with `cargo build --release --timings`); no code of ambers or toe calls them.
//!
//! Guarantees: every path here is a path of arrow 57's umbrella crate with the same item.

pub use arrow_buffer::{alloc, buffer};

/// Arrays, builders and casts between array types (`arrow::array`).
pub mod array {
    pub use arrow_array::builder::*;
    pub use arrow_array::cast::*;
    pub use arrow_array::iterator::*;
    pub use arrow_array::*;
    pub use arrow_data::{ArrayData, ArrayDataBuilder};
}

/// Data types, fields and schemas (`arrow::datatypes`).
pub mod datatypes {
    pub use arrow_array::types::*;
    pub use arrow_array::{ArrowNativeTypeOp, ArrowNumericType, ArrowPrimitiveType};
    pub use arrow_buffer::{i256, ArrowNativeType, ToByteSlice};
    pub use arrow_schema::{
        DataType, Field, FieldRef, Fields, IntervalUnit, Schema, SchemaBuilder, SchemaRef,
        TimeUnit, UnionFields, UnionMode,
    };
}

/// Errors (`arrow::error`).
pub mod error {
    pub use arrow_schema::ArrowError;

    pub type Result<T> = std::result::Result<T, ArrowError>;
}

/// Record batches (`arrow::record_batch`).
pub mod record_batch {
    pub use arrow_array::{
        RecordBatch, RecordBatchIterator, RecordBatchOptions, RecordBatchReader,
        RecordBatchWriter,
    };
}

#[cfg(feature = "ffi")]
pub use arrow_array::ffi;
#[cfg(feature = "ffi")]
pub use arrow_array::ffi_stream;
