# hiredis (Debian's libhiredis-dev) and its Qt adapter, the header-only class RedisQtAdapter in
# <hiredis/adapters/qt.h>, which has Q_OBJECT: hiredis_qt_adapter_moc(VAR) runs moc on it.
find_path(HIREDIS_INCLUDE_DIR hiredis/adapters/qt.h)
find_library(HIREDIS_LIBRARY hiredis)
if(NOT HIREDIS_INCLUDE_DIR OR NOT HIREDIS_LIBRARY)
  message(FATAL_ERROR "hiredis and its Qt adapter (hiredis/adapters/qt.h) not found: install "
                      "the Debian package 'libhiredis-dev' (apt-get install libhiredis-dev).")
endif()

add_library(hiredis UNKNOWN IMPORTED)
set_target_properties(hiredis PROPERTIES
  IMPORTED_LOCATION "${HIREDIS_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${HIREDIS_INCLUDE_DIR}")

# The moc output for the adapter, as a source to add to a target. The header says `slots`, which
# QT_NO_KEYWORDS (a directory-wide definition, which moc gets too) turns off: for moc, -U turns
# it on again (without, moc silently generates no slots and every connect fails at run time);
# for the compiler, the generated file includes `wrapper` (a path as the target's include
# directories reach it) instead of the installed header, and the wrapper defines `slots`.
function(hiredis_qt_adapter_moc out_var wrapper)
  qt_wrap_cpp(_moc "${HIREDIS_INCLUDE_DIR}/hiredis/adapters/qt.h"
    OPTIONS -UQT_NO_KEYWORDS "-f${wrapper}"
    DEPENDS "${CMAKE_CURRENT_FUNCTION_LIST_FILE}") # moc again when the options change
  set_source_files_properties(${_moc} PROPERTIES SKIP_AUTOMOC ON)
  set(${out_var} ${_moc} PARENT_SCOPE)
endfunction()
