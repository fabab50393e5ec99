#pragma once

#include "ControlRoom.h"

#include <QWidget>

namespace portico {

// The services page of the control room.
class ServicesPage : public QWidget
{
    Q_OBJECT
public:
    explicit ServicesPage(ControlRoom room, QWidget *parent = nullptr);

private:
    ControlRoom m_room;
};

} // namespace portico
