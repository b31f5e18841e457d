//! Process limits `quizbot run` needs: one file descriptor per interaction reply in flight
//! ([`crate::runtime::app::MAX_REPLIES_IN_FLIGHT`]) plus the database, the gateway and the
//! channel posts. Many systems start a service with a soft limit of 1,024 descriptors and a
//! hard limit far above it; the soft limit is ours to raise.

/// Descriptors wanted: the reply bound, twice over for the posts, logs and database.
const WANTED: u64 = 2 * crate::runtime::app::MAX_REPLIES_IN_FLIGHT as u64 + 1024;

/// Raises the soft limit on open files towards [`WANTED`] (never above the hard limit, never
/// lowering it). A refusal is logged, not fatal: the bot still runs, with fewer replies at once
/// before connections fail.
#[cfg(unix)]
pub fn raise_open_files() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit through a valid pointer to a local.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "cannot read the open-file limit");
        return;
    }
    let before = limit.rlim_cur;
    let target = (WANTED as libc::rlim_t).min(limit.rlim_max);
    if before >= target {
        return;
    }
    limit.rlim_cur = target;
    // SAFETY: setrlimit reads one rlimit through a valid pointer to a local.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), before, "cannot raise the open-file limit");
    } else {
        tracing::info!(
            before,
            after = target,
            "raised the open-file limit for replies in flight"
        );
    }
}

#[cfg(not(unix))]
pub fn raise_open_files() {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn soft() -> libc::rlim_t {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
            0
        );
        limit.rlim_cur
    }

    #[test]
    fn the_soft_limit_ends_at_least_as_high_as_wanted_or_the_hard_limit() {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
            0
        );
        let before = soft();
        raise_open_files();
        let after = soft();
        assert!(after >= before, "never lowered: {before} -> {after}");
        assert!(
            after >= (WANTED as libc::rlim_t).min(limit.rlim_max),
            "raised to {after}, wanted {WANTED} (hard {})",
            limit.rlim_max
        );
    }
}
