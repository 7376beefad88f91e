# Installs the pinned npm packages (package-lock.json) into node_modules/
# when they are missing or older than the lock file, then touches STAMP.
# Invoked with -DSOURCE=<repo root> -DNPM=<npm> -DSTAMP=<file>.
set(installed ${SOURCE}/node_modules/.package-lock.json)
set(lock ${SOURCE}/package-lock.json)
if(NOT EXISTS ${installed} OR ${lock} IS_NEWER_THAN ${installed}
   OR ${SOURCE}/package.json IS_NEWER_THAN ${installed})
  message(STATUS "npm ci: installing the packages pinned in package-lock.json")
  execute_process(
    COMMAND ${NPM} ci --no-audit --no-fund --ignore-scripts
    WORKING_DIRECTORY ${SOURCE}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed (${rc})")
  endif()
endif()
file(TOUCH ${STAMP})
