# CPack post-build script (CPACK_POST_BUILD_SCRIPTS): repairs the -dbgsym
# package that CMake 3.25's DEB generator writes.
#
# Its md5sums names the .debug file by the absolute path of CPack's staging
# directory instead of the path inside the package, so `dpkg --verify` and
# lintian (md5sums-lists-nonexistent-file) reject it. This rebuilds the
# package with dpkg-deb: md5sums recomputed from the files, the .debug file
# 0644 (data, not a program), and /usr/share/doc/<pkg>-dbgsym a symlink to
# the main package's directory (its copyright and changelog), as debhelper's
# dbgsym packages have. Everything else (control fields, build ids) is kept.
#
# Runs with CPACK_PACKAGE_FILES (absolute paths) set by CPack.

foreach(pkg IN LISTS CPACK_PACKAGE_FILES)
  if(NOT pkg MATCHES "-dbgsym[^/]*\\.ddeb$")
    continue()
  endif()
  get_filename_component(dir "${pkg}" DIRECTORY)
  set(root "${dir}/repair-dbgsym")
  file(REMOVE_RECURSE "${root}")
  execute_process(COMMAND dpkg-deb --raw-extract "${pkg}" "${root}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb --raw-extract ${pkg} failed")
  endif()

  file(STRINGS "${root}/DEBIAN/control" main_dep REGEX "^Depends: ")
  if(NOT main_dep MATCHES "^Depends: ([a-z0-9.+-]+) \\(= ")
    message(FATAL_ERROR "${pkg}: no 'Depends: <package> (= <version>)' in its control file")
  endif()
  set(main_pkg "${CMAKE_MATCH_1}")
  file(STRINGS "${root}/DEBIAN/control" name_line REGEX "^Package: ")
  string(REGEX REPLACE "^Package: " "" dbg_pkg "${name_line}")

  file(GLOB_RECURSE debug_files LIST_DIRECTORIES false RELATIVE "${root}" "${root}/usr/*")
  list(SORT debug_files)
  set(sums "")
  foreach(f IN LISTS debug_files)
    file(CHMOD "${root}/${f}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    file(MD5 "${root}/${f}" sum)
    string(APPEND sums "${sum}  ${f}\n")
  endforeach()
  file(WRITE "${root}/DEBIAN/md5sums" "${sums}")

  file(MAKE_DIRECTORY "${root}/usr/share/doc")
  file(CREATE_LINK "${main_pkg}" "${root}/usr/share/doc/${dbg_pkg}" SYMBOLIC)

  execute_process(COMMAND dpkg-deb --root-owner-group -Zxz --build "${root}" "${pkg}"
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb --build ${pkg} failed")
  endif()
  file(REMOVE_RECURSE "${root}")
endforeach()
