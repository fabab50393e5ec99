#pragma once

// hiredis's Qt adapter (class RedisQtAdapter), for the one file that drives it and for its moc
// output (engine/CMakeLists.txt runs moc on the installed header and makes the generated file
// include this one instead). The header writes `slots`, which QT_NO_KEYWORDS leaves undefined.

#include <QObject>
#include <QSocketNotifier>

#define slots Q_SLOTS
#include <hiredis/adapters/qt.h>
#undef slots
