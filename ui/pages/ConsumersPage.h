#pragma once

#include "ControlRoom.h"

#include <QWidget>

namespace portico {

// The consumers page of the control room.
class ConsumersPage : public QWidget
{
    Q_OBJECT
public:
    explicit ConsumersPage(ControlRoom room, QWidget *parent = nullptr);

private:
    ControlRoom m_room;
};

} // namespace portico
