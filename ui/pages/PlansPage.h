#pragma once

#include "ControlRoom.h"

#include <QWidget>

namespace portico {

// The plans page of the control room.
class PlansPage : public QWidget
{
    Q_OBJECT
public:
    explicit PlansPage(ControlRoom room, QWidget *parent = nullptr);

private:
    ControlRoom m_room;
};

} // namespace portico
