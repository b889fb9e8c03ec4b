//! The allocator claimdb's programs use: mimalloc, set to give memory back.
//!
//! A load is mostly small allocations that live for one batch: a record's
//! bytes, an index chunk, the copies sled's commit makes of the leaves it
//! writes. With glibc's allocator a fifth of an import's time went to
//! `malloc` and `free` (perf, 100,000 claims). mimalloc takes a fifth off
//! the import, but left as it comes it keeps what a batch freed and marks
//! it reusable rather than giving it back, some 40 MiB more resident at
//! 100,000 claims. Set to purge freed pages at once and to commit its
//! arenas as it uses them, it peaks lower than glibc does (the figures:
//! `docs/src/benchmarks.md`).
//!
//! A library does not choose its users' allocator: a program opts in with
//! [`tuned_allocator!`](crate::tuned_allocator), as the `claimdb` command
//! and the comparison benchmark do.

#[doc(hidden)]
pub use mimalloc::MiMalloc;

// The options' numbers in `mi_option_t`, the same in mimalloc's version 2
// and 3 headers (3 keeps retired options' places); the Rust bindings name
// neither.
/// `mi_option_arena_eager_commit`.
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
/// `mi_option_purge_delay`, in milliseconds.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets mimalloc's options. An arena's commit is chosen when the arena is
/// reserved, at the program's first allocation, so [`tuned_allocator!`]
/// calls this from the loader, before `main`.
///
/// [`tuned_allocator!`]: crate::tuned_allocator
pub extern "C" fn tune() {
    // SAFETY: mi_option_set only stores an option's value; it may be
    // called at any time, before mimalloc is initialized too.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

/// Makes mimalloc, tuned by [`tune`], the program's global allocator. On
/// Linux `tune` runs among the program's initializers (`.init_array`),
/// before the Rust runtime allocates; elsewhere mimalloc keeps its
/// defaults unless the program calls `tune` itself.
#[macro_export]
macro_rules! tuned_allocator {
    () => {
        #[global_allocator]
        static CLAIMDB_ALLOCATOR: $crate::allocator::MiMalloc = $crate::allocator::MiMalloc;

        #[cfg(target_os = "linux")]
        #[used]
        #[link_section = ".init_array"]
        static CLAIMDB_TUNE_ALLOCATOR: extern "C" fn() = $crate::allocator::tune;
    };
}
