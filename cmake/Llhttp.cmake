# llhttp is built from the C sources that Debian's node-llhttp package ships.
set(LLHTTP_SOURCE_DIR "/usr/share/llhttp" CACHE PATH "Directory holding llhttp's api.c, http.c, llhttp.c")
set(LLHTTP_INCLUDE_DIR "/usr/share/include/llhttp" CACHE PATH "Directory holding llhttp.h")

foreach(_f api.c http.c llhttp.c)
  if(NOT EXISTS "${LLHTTP_SOURCE_DIR}/${_f}")
    message(FATAL_ERROR "llhttp source ${LLHTTP_SOURCE_DIR}/${_f} not found: install the Debian "
                        "package 'node-llhttp' (apt-get install node-llhttp) or set LLHTTP_SOURCE_DIR.")
  endif()
endforeach()
if(NOT EXISTS "${LLHTTP_INCLUDE_DIR}/llhttp.h")
  message(FATAL_ERROR "llhttp.h not found in ${LLHTTP_INCLUDE_DIR}: install the Debian package "
                      "'node-llhttp' (apt-get install node-llhttp) or set LLHTTP_INCLUDE_DIR.")
endif()

add_library(llhttp STATIC
  ${LLHTTP_SOURCE_DIR}/api.c ${LLHTTP_SOURCE_DIR}/http.c ${LLHTTP_SOURCE_DIR}/llhttp.c)
target_include_directories(llhttp SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})
set_target_properties(llhttp PROPERTIES C_STANDARD 99 POSITION_INDEPENDENT_CODE ON)
target_compile_options(llhttp PRIVATE -O2 -w)
target_compile_definitions(llhttp PRIVATE LLHTTP_STRICT_MODE=1)
