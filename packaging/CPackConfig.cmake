# CPack settings for Portico's Debian package. Included by packaging/CMakeLists.txt right
# before include(CPack); not to be confused with the CPackConfig.cmake CPack writes into the
# build directory.

set(CPACK_PACKAGE_NAME "portico")
set(CPACK_PACKAGE_VENDOR "Portico")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Local API gateway with a desktop control room")
set(CPACK_PACKAGE_DESCRIPTION
  "Portico runs a real HTTP API gateway engine (routing, load balancing, keep-alive \
upstream pools) inside a Qt desktop application that shows what it does live, and as the \
headless daemon porticod for servers and CI.")
set(CPACK_PACKAGE_CONTACT "Portico maintainers <portico@localhost>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "portico")
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/build-.*/")

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # portico_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Runtime dependencies, all Debian 12 packages. dpkg-shlibdeps (from dpkg-dev, which
# build-essential pulls in) derives them from what the binaries link: Qt 6 Core/Network/Sql/
# Gui/Widgets/Charts, yaml-cpp, OpenSSL 3, hiredis, libstdc++, each with its minimum version.
# Listed by hand: what is only loaded at run time and so invisible to dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libqt6sql6-sqlite (>= 6.4), libqt6gui6 (>= 6.4)") # QtSql's SQLite driver; platform plugins
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-wayland, redis-server")

# Maintainer scripts (daemon-reload on install/remove, stop porticod before removal) and the
# conffile list: /etc/portico/portico.yaml keeps local edits across upgrades.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${CMAKE_CURRENT_LIST_DIR}/postinst"
  "${CMAKE_CURRENT_LIST_DIR}/prerm"
  "${CMAKE_CURRENT_LIST_DIR}/postrm"
  "${CMAKE_CURRENT_LIST_DIR}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
