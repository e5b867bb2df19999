// Chat_Room_Member__c changes → ChatRoomMemberTriggerHandler (member key, room sharing, USER_ENTERED / USER_LEFT for the room).
trigger ChatRoomMemberTrigger on Chat_Room_Member__c(before insert, before update, after insert, after update, after delete) {
    new ChatRoomMemberTriggerHandler().run();
}
