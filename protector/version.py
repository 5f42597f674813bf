import pbr.version

version_info = pbr.version.VersionInfo('protector')


def version_string():
    try:
        return version_info.version_string()
    except Exception:
        # Running from a source tree that is not installed.
        return 'unknown'
