#pragma once

#include "ControlRoom.h"

#include <QWidget>

namespace portico {

// The settings page of the control room.
class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsPage(ControlRoom room, QWidget *parent = nullptr);

private:
    ControlRoom m_room;
};

} // namespace portico
