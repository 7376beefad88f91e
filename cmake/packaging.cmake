# Install rules and the Debian package (CPack, DEB generator): `make deb`
# builds build/<preset>/brisk_<version>_amd64.deb and, beside it,
# brisk-dbgsym_<version>_amd64.ddeb with the debug information.
#
# Included from the top-level CMakeLists.txt after the `brisk` target exists.
# Uses: PROJECT_VERSION, BRISK_DOCS_UI and BRISK_SWAGGER_UI (for the notices
# of the Swagger UI bundle compiled into the binary).
#
# Stripping: the build tree keeps -g (the release preset's -O2 -g, for perf
# and gdb). What leaves it is stripped: CPack splits the debug information
# into the -dbgsym package (/usr/lib/debug/.build-id/XX/YYYY.debug, found by
# gdb through the binary's build id) and strips the binary with
# objcopy --strip-unneeded; `make install` runs `cmake --install --strip`.

set(BRISK_PACKAGING_DIR ${CMAKE_SOURCE_DIR}/packaging)
set(BRISK_PACKAGING_OUT ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${BRISK_PACKAGING_OUT})

# Installed directories are 0755 whatever the builder's umask (lintian:
# non-standard-dir-perm).
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# The man page carries the version; it and the changelog are gzipped with
# -9n (maximum compression, no name or time stamp: reproducible), as Debian
# policy and lintian want.
configure_file(${BRISK_PACKAGING_DIR}/brisk.1 ${BRISK_PACKAGING_OUT}/brisk.1 @ONLY)
find_program(BRISK_GZIP gzip REQUIRED)
add_custom_command(
  OUTPUT ${BRISK_PACKAGING_OUT}/brisk.1.gz
  COMMAND ${BRISK_GZIP} -9n -c ${BRISK_PACKAGING_OUT}/brisk.1 > ${BRISK_PACKAGING_OUT}/brisk.1.gz
  DEPENDS ${BRISK_PACKAGING_OUT}/brisk.1
  COMMENT "Compressing the man page")
add_custom_command(
  OUTPUT ${BRISK_PACKAGING_OUT}/changelog.gz
  COMMAND ${BRISK_GZIP} -9n -c ${BRISK_PACKAGING_DIR}/debian/changelog
          > ${BRISK_PACKAGING_OUT}/changelog.gz
  DEPENDS ${BRISK_PACKAGING_DIR}/debian/changelog
  COMMENT "Compressing the Debian changelog")
add_custom_target(brisk_package_docs ALL
  DEPENDS ${BRISK_PACKAGING_OUT}/brisk.1.gz ${BRISK_PACKAGING_OUT}/changelog.gz)

# The changelog's newest entry names the package version: a mismatch would
# make lintian and dpkg tell two different stories.
file(STRINGS ${BRISK_PACKAGING_DIR}/debian/changelog BRISK_CHANGELOG_TOP LIMIT_COUNT 1)
if(NOT BRISK_CHANGELOG_TOP MATCHES "^brisk \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/debian/changelog starts with '${BRISK_CHANGELOG_TOP}', "
                      "but the project version is ${PROJECT_VERSION}: add an entry for it")
endif()

# Component `brisk`: what any install gets (prefix-relative).
install(TARGETS brisk RUNTIME DESTINATION bin COMPONENT brisk)
install(FILES ${BRISK_PACKAGING_OUT}/brisk.1.gz DESTINATION share/man/man1 COMPONENT brisk)
install(FILES ${BRISK_PACKAGING_DIR}/debian/copyright ${BRISK_PACKAGING_OUT}/changelog.gz
        DESTINATION share/doc/brisk COMPONENT brisk)
if(BRISK_DOCS_UI)
  install(FILES ${BRISK_SWAGGER_UI}/swagger-ui-bundle.js.LICENSE.txt
          DESTINATION share/doc/brisk COMPONENT brisk)
endif()

# Component `system`: the systemd service, its settings file, the brisk user
# and its state directory. Absolute paths (Debian 12's locations: units in
# /lib/systemd/system), so excluded from a plain `cmake --install` into
# /usr/local; only the package carries them.
install(FILES ${BRISK_PACKAGING_DIR}/brisk.service
        DESTINATION /lib/systemd/system COMPONENT system EXCLUDE_FROM_ALL)
install(FILES ${BRISK_PACKAGING_DIR}/brisk.default DESTINATION /etc/default RENAME brisk
        COMPONENT system EXCLUDE_FROM_ALL)
install(FILES ${BRISK_PACKAGING_DIR}/brisk.sysusers DESTINATION /usr/lib/sysusers.d
        RENAME brisk.conf COMPONENT system EXCLUDE_FROM_ALL)
install(FILES ${BRISK_PACKAGING_DIR}/brisk.tmpfiles DESTINATION /usr/lib/tmpfiles.d
        RENAME brisk.conf COMPONENT system EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME brisk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Both components in one package (component install is what lets the
# `system` component, excluded from plain installs, into it).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL brisk system)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_PACKAGE_NAME brisk)
# brisk_<version>_<arch>.deb: no Debian revision, a native package.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "Seed 956079d9 maintainers <maintainers@users.noreply.h-seed-956079d9.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fast task-management REST API server")
# CPack makes the summary the first line of Description and this the rest.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "brisk serves a task API (tasks with status, priority, due dates and tags;
users and bearer tokens) over HTTP/1.1 from one process with an embedded
SQLite database: validated JSON, RFC 9457 errors, conditional requests,
cursors and durable group-committed writes. Interactive documentation is
served at /docs and the OpenAPI 3.1 document at /openapi.json.
.
This package runs it as a hardened systemd service (brisk.service) under
the brisk system user, with settings in /etc/default/brisk and the database
in /var/lib/brisk.")
# Library dependencies from dpkg-shlibdeps; the rest by hand. The
# maintainer scripts run systemd-sysusers and systemd-tmpfiles (systemd, or
# opensysusers/opentmpfiles on systems without it). deb-systemd-helper and
# deb-systemd-invoke come from init-system-helpers, which is Essential.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libpq5: loaded by dlopen on the first postgres:// connection (libpq_shim.hpp),
# so shlibdeps cannot see it; pipeline mode needs libpq 14 or newer.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libpq5 (>= 14), systemd | systemd-sysusers, systemd | systemd-tmpfiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${BRISK_PACKAGING_DIR}/debian/conffiles ${BRISK_PACKAGING_DIR}/debian/postinst
    ${BRISK_PACKAGING_DIR}/debian/prerm ${BRISK_PACKAGING_DIR}/debian/postrm)
# Maintainer scripts 0755, conffiles 0644, whatever they are in the checkout.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Splits the debug information into brisk-dbgsym and strips the binary.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
# ... whose md5sums CMake 3.25 gets wrong: see the script.
set(CPACK_POST_BUILD_SCRIPTS ${CMAKE_SOURCE_DIR}/cmake/repair_dbgsym.cmake)
include(CPack)

# The package's test: cpack into a directory of its own, then the checks in
# tests/package (contents, stripped binary, dbgsym, unit verified by
# systemd-analyze, install/remove/purge with dpkg --root, lintian).
if(BRISK_TESTS)
  find_program(PYTHON3_DEBIAN /usr/bin/python3 REQUIRED)
  add_test(NAME deb_package
    COMMAND ${PYTHON3_DEBIAN} -m pytest -q -p no:cacheprovider -rA ${CMAKE_SOURCE_DIR}/tests/package
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/package)
  set_tests_properties(deb_package PROPERTIES TIMEOUT 600 ENVIRONMENT
    "BRISK_BUILD_DIR=${CMAKE_BINARY_DIR};BRISK_VERSION=${PROJECT_VERSION};BRISK_DOCS_UI=${BRISK_DOCS_UI}")
endif()
