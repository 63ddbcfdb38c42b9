//! Running out of memory ends the run with exit 2 and one line on stderr, never an abort.
//!
//! Rust's default answer to a failed allocation is `abort()` (exit 134, "memory allocation of N
//! bytes failed"), which a CI job reads as a crash and a shell wrapper may not handle. The
//! binary installs [`ExitOnOutOfMemory`] as its global allocator: it asks the system allocator
//! and, when that returns nothing, writes a message and ends the process with exit 2 (SPEC §8:
//! an error), as if the run had stopped on any other error. No `-o` report is moved into place
//! (it is committed only at the end of a run), and its nameless temporary file goes with the
//! process (where the file system has no `O_TMPFILE`, `_exit` leaves the named
//! `.leakcheck-*.tmp` behind); a report being written to stdout is cut short without its
//! summary, which no reader mistakes for a complete one.
//!
//! Memory is bounded per record by design (SPEC §9), so this is reached only when the process is
//! given less memory than a run needs (`ulimit -v`, `prlimit --as`, a container limit that fails
//! allocations) or a watchlist is larger than memory.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, ending the process with exit 2 when it fails.
pub struct ExitOnOutOfMemory;

// SAFETY: every call is forwarded unchanged to `System`, which upholds `GlobalAlloc`'s
// contract; the only addition is what happens instead of returning null.
unsafe impl GlobalAlloc for ExitOnOutOfMemory {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout is passed on as given.
        checked(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        checked(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by this allocator, that is by `System`, with `layout`.
        checked(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `realloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[inline]
fn checked(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        out_of_memory(size);
    }
    ptr
}

/// Writes the message with `write(2)` (allocating here would fail again) and exits 2 at once:
/// `_exit` runs no destructor and no `atexit` handler, which might allocate.
#[cold]
fn out_of_memory(size: usize) -> ! {
    let mut line = [0u8; 256];
    let len = message(size, &mut line);
    // SAFETY: `line[..len]` is initialized memory; fd 2 may be closed, and then nothing is said.
    unsafe {
        libc::write(2, line.as_ptr().cast(), len);
        libc::_exit(crate::exit_codes::ExitCode::Error as i32)
    }
}

/// The message for a failed allocation of `size` bytes, written into `out` without allocating;
/// returns its length.
fn message(size: usize, out: &mut [u8; 256]) -> usize {
    const BEFORE: &[u8] = b"leakcheck: out of memory (an allocation of ";
    const AFTER: &[u8] = b" bytes failed); give the process more memory (ulimit -v, the \
container's limit) or use fewer --threads\n";
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    let mut rest = size;
    loop {
        n -= 1;
        digits[n] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut len = 0;
    for part in [BEFORE, &digits[n..], AFTER] {
        out[len..len + part.len()].copy_from_slice(part);
        len += part.len();
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_size_without_allocating() {
        let mut out = [0u8; 256];
        // (`usize::MAX` is 4294967295 on a 32-bit target.)
        let largest = format!("of {} bytes", usize::MAX);
        for (size, shown) in [(0, "of 0 bytes"), (7, "of 7 bytes"), (usize::MAX, largest.as_str())] {
            let len = message(size, &mut out);
            let text = std::str::from_utf8(&out[..len]).unwrap();
            assert!(text.starts_with("leakcheck: out of memory"), "{text}");
            assert!(text.contains(shown), "{text}");
            assert!(text.ends_with("--threads\n"), "{text}");
        }
    }
}
